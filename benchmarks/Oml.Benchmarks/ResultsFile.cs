namespace Oml.Benchmarks;

/// <summary>Replaces one <c>## Title</c> section of benchmarks/RESULTS.md, leaving the other benchmarks' sections alone.</summary>
internal static class ResultsFile
{
    /// <summary>Prints a benchmark's report and, when <paramref name="write"/>, puts it in its section of the repository's benchmarks/RESULTS.md.</summary>
    public static void Publish(string title, string report, bool write)
    {
        Console.WriteLine(report);
        if (!write) return;
        var path = Path.Combine(BenchUtil.FindRepositoryRoot(), "benchmarks", "RESULTS.md");
        ReplaceSection(path, title, report);
        Console.WriteLine($"wrote the '{title}' section of {path}");
    }

    public static void ReplaceSection(string path, string title, string body)
    {
        var heading = "## " + title;
        var text = File.Exists(path) ? File.ReadAllText(path) : "# Benchmark results\n\nEach section is written by its benchmark; see benchmarks/README.md.\n";
        var section = heading + "\n\n" + body.TrimEnd() + "\n";
        var start = FindHeading(text, heading);
        if (start < 0)
        {
            text = text.TrimEnd() + "\n\n" + section;
        }
        else
        {
            var next = FindHeading(text, "## ", start + heading.Length);
            text = text[..start] + section + (next < 0 ? "" : "\n" + text[next..]);
        }
        File.WriteAllText(path, text);
    }

    // Finds a heading that is a whole line; the bare prefix "## " matches any level-2 heading.
    private static int FindHeading(string text, string heading, int from = 0)
    {
        for (var i = text.IndexOf(heading, from, StringComparison.Ordinal); i >= 0; i = text.IndexOf(heading, i + 1, StringComparison.Ordinal))
        {
            var atLineStart = i == 0 || text[i - 1] == '\n';
            var lineEnd = text.IndexOf('\n', i);
            var line = lineEnd < 0 ? text[i..] : text[i..lineEnd];
            if (atLineStart && (heading == "## " || line.TrimEnd() == heading)) return i;
        }
        return -1;
    }
}
