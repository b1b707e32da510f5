"""Personal data: erasure on request, retention, anonymising and deleting forums."""
