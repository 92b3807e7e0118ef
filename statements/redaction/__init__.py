"""Protecting the people named in the record: hide and suppress versions, take statements
down, remove a person from every surface, withhold captures, and the log of every act."""
