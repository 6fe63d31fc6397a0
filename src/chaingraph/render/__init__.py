"""Render analysis results for people and programs: tables, CSV, JSON, Markdown, HTML."""
