"""The look: templates, stylesheets, the book face, the page geometry, and what a layout tells
the templates (page_plan.py)."""
