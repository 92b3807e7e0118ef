"""Files in and out: reading files (files.py: decoding, zip members, folders), parsing each
format into records (formats/), importing them (services.py), the admin's uploads between
preview and import (uploads.py), and writing statements back out (formats/writers.py)."""
