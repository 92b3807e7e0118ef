"""Copies of the archive that outlive its server (issue 34), each made from public data only:
published statements, their public versions, public credits; never drafts, hidden or
suppressed content, nor editors' unsigned names."""
