"""Digests: who hears what, once; rendering of mails and the factsheet."""
