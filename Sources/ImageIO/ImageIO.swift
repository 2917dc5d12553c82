/// ImageIO owns pixels: decoding JPEG (with EXIF orientation), PNG and binary PPM/PGM into
/// float RGB images in [0, 1], encoding PNG, crop/resize/affine warp with bilinear sampling,
/// and drawing points and lines for overlays.
public enum ImageIOModule {}
