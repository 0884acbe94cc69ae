"""The shop floor: labels (templates, the designer, the PDF and ZPL writers)."""
