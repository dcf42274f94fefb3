"""cxray: an X-ray of a company's customer base from its ERP / 1C / CRM exports."""

__version__ = "0.1.0"
