"""Screens of the app: the session, the permission modal, pickers."""
