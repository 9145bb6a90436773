from ekc.cli.app import main

main()
