"""Text: folding, names, contacts (emails, phones), dates and numbers, synonyms; every cell arrives as text."""
