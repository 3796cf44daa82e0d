"""Bulk data in and out as JSON or XLSX: channels, patterns, programmes, weeks, airings."""
