"""The property swap (产权调换) in the GUI: the flat inventory grid, the choosing order and the
draw, 选房 day with its projector screen. Uses ``services.resettlement`` and the reports'
papers; imports no other GUI feature package."""
