"""Views of the client area (``client``), the staff area (``staff``) and public pages."""
