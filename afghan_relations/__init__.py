"""Shared code of the book: load and validate the data, derive tables, draw figures and explorers."""
