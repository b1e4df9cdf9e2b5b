"""The codebook in the window: the themes tree, the theme map, the palette, statistics."""
