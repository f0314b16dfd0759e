"""Diaspora Connect: a Telegram and WhatsApp chatbot for diaspora engagement."""
