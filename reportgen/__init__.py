"""reportgen: account plans and monthly review packs from sales spreadsheets."""

__version__ = "0.1.0"
