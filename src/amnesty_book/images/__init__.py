"""The plates' images as each edition needs them (for screens, for print, in grey, in the
print shop's CMYK) and the cover, made once and kept by content."""
