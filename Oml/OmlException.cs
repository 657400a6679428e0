namespace Oml;

/// <summary>
/// The one exception type for errors a user can cause: a bad CSV row, a missing file, a wrong config key,
/// a class too small for a sampler. The message names the file / row / column / config path and says what
/// would be valid; <see cref="Details"/> lists every individual problem when there are several.
/// Front ends print it without a stack trace.
/// </summary>
public sealed class OmlException : Exception
{
    public OmlException(string message, IReadOnlyList<string>? details = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Details = details ?? [];
    }

    /// <summary>Every individual problem, one line each (may be empty when the message says it all).</summary>
    public IReadOnlyList<string> Details { get; }

    /// <summary>The message followed by the details, one per line, as the CLI prints it.</summary>
    public string ToUserText()
    {
        if (Details.Count == 0) return Message;
        return Message + Environment.NewLine + string.Join(Environment.NewLine, Details.Select(d => "  - " + d));
    }
}
