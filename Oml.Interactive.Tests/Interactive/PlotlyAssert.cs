using System.Text.RegularExpressions;

namespace Oml.Tests.Interactive;

/// <summary>Checks shared by the plotly.js figure tests.</summary>
public static partial class PlotlyAssert
{
    /// <summary>No external script, no CDN address, no plotly.com logo link or cloud upload button: the figure works offline.</summary>
    public static void Offline(string html)
    {
        Assert.DoesNotMatch(ScriptSrc(), html);
        Assert.DoesNotContain("cdn.plot.ly", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("plotly-latest", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("displaylogo: false", html);
        Assert.Contains("showSendToCloud: false", html);
    }

    public static int Count(string text, string part) => Regex.Matches(text, Regex.Escape(part)).Count;

    [GeneratedRegex(@"<script[^>]*\ssrc\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptSrc();
}
