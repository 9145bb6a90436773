"""The thin shell: typer commands parse options, call one domain function, render."""
