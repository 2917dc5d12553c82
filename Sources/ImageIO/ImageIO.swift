/// ImageIO owns pixels: decoding JPEG (with EXIF orientation), PNG and binary PPM/PGM into
/// float RGB images in [0, 1] (`ImageDecoder`), encoding PNG (8-bit RGB and 16-bit grey depth
/// maps, `PNGEncoder`) and JPEG, crop/resize/affine warp with bilinear sampling (`Resampling`),
/// and anti-aliased drawing of points, lines and bitmap-font labels for overlays.
///
/// Coordinate convention everywhere: continuous pixel coordinates with x = 0 at the left edge of
/// the first column and pixel (i, j) centred at (i + 0.5, j + 0.5); y points down.
public enum ImageIOModule {}
