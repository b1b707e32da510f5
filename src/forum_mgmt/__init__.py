"""forum_mgmt: forums, agendas, registration, QR tickets and check-in."""
