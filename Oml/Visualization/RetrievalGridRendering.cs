namespace Oml.Visualization;

/// <summary>
/// A rendered retrieval grid: the PNG, its size, and what could not be shown. Every tile whose image could not be
/// read or decoded is drawn as a grey placeholder with a cross (and the word "missing" when a font is available)
/// instead of failing the whole grid, and is listed in <see cref="Problems"/> (<c>caption: reason</c>). When no font
/// with glyphs is found, captions and title are left out, <see cref="CaptionsDrawn"/> is false and that is a problem too.
/// </summary>
public sealed record RetrievalGridRendering(byte[] Png, int Width, int Height, bool CaptionsDrawn, IReadOnlyList<string> Problems);
