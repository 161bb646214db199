"""The Google Sheets backend: gspread's HTTP client + google-auth, one atomic commit per run."""
