"""Tickets: per-forum signing keys, signed ticket codes, QR images and badge PDFs."""
