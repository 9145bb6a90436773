"""Validation rules: plain functions from loaded data to findings, never raising."""
