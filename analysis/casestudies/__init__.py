"""Case-study chapters: display tables, audits and figures, one module per chapter."""
