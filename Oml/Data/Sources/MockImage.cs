namespace Oml.Data.Sources;

/// <summary>
/// One rendered mock image: the JPEG bytes, the tight box of the shape, and the shape's coverage mask
/// (row-major, <c>Size * Size</c> bytes, 0 = background) from which the box was taken.
/// </summary>
internal sealed record MockImage(byte[] Jpeg, BoundingBox Box, byte[] Mask, int Size);
