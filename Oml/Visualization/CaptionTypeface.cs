using SkiaSharp;

namespace Oml.Visualization;

/// <summary>
/// The typeface for captions in rendered pictures: SkiaSharp's default typeface when it has glyphs; otherwise (the
/// <c>NoDependencies</c> Linux native build has no font manager, so its default typeface is empty) the first common
/// system font file that exists; otherwise none, and pictures are drawn without text.
/// </summary>
internal static class CaptionTypeface
{
    private static readonly Lazy<SKTypeface?> Resolved = new(Resolve);

    public static SKTypeface? Default => Resolved.Value;

    internal static IEnumerable<string> CandidateFiles()
    {
        string[] unix =
        [
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
            "/usr/share/fonts/dejavu/DejaVuSans.ttf",
            "/usr/share/fonts/TTF/DejaVuSans.ttf",
            "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
            "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
            "/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf",
            "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
            "/usr/share/fonts/noto/NotoSans-Regular.ttf",
            "/usr/share/fonts/google-noto/NotoSans-Regular.ttf",
            "/System/Library/Fonts/Supplemental/Arial.ttf",
            "/Library/Fonts/Arial.ttf",
            "/System/Library/Fonts/Helvetica.ttc",
        ];
        var windows = Environment.GetFolderPath(Environment.SpecialFolder.Fonts);
        return string.IsNullOrEmpty(windows) ? unix : [Path.Combine(windows, "arial.ttf"), Path.Combine(windows, "segoeui.ttf"), .. unix];
    }

    private static SKTypeface? Resolve()
    {
        try
        {
            var typeface = SKTypeface.Default;
            if (typeface is { GlyphCount: > 0 }) return typeface;
            foreach (var file in CandidateFiles().Where(File.Exists))
            {
                var fromFile = SKTypeface.FromFile(file);
                if (fromFile is { GlyphCount: > 0 }) return fromFile;
                fromFile?.Dispose();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DllNotFoundException)
        {
        }
        return null;
    }
}
