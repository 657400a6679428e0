using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Tokens;

namespace Oml.Config;

/// <summary>
/// Where YAML text stops being YAML and why, in words a user can act on: the line and column, and for an unclosed
/// <c>[</c> or <c>{</c> (YamlDotNet fails on some of them without a position, "Operation is not valid due to the current
/// state of the object") the bracket that is never closed.
/// </summary>
internal static class YamlSyntaxError
{
    /// <summary>A 1-based line and column and what is wrong there.</summary>
    public sealed record Problem(int Line, int Column, string Reason);

    /// <summary>Whether <paramref name="e"/> is what YamlDotNet throws for text that is not YAML.</summary>
    public static bool IsSyntaxError(Exception e) => e is YamlException or InvalidOperationException;

    public static Problem Find(string yaml, Exception error)
    {
        var (opener, stoppedAt) = UnclosedBracket(yaml);
        var yamlError = error as YamlException;
        var at = yamlError is null ? stoppedAt : (Line: (int)yamlError.Start.Line, Column: (int)yamlError.Start.Column);
        if (opener is { } open && (yamlError is null || yamlError.Message.Contains("flow", StringComparison.Ordinal)))
        {
            var close = open.Bracket == '[' ? ']' : '}';
            if (at.Line > open.Line || yamlError is null)
            {
                return new Problem(open.Line, open.Column,
                    $"this '{open.Bracket}' is never closed by a '{close}' (close it, or quote the value if the '{open.Bracket}' is part of a string)");
            }
            return new Problem(at.Line, at.Column, $"{Reword(yamlError.Message)} (the '{open.Bracket}' at column {open.Column} is still open)");
        }
        return new Problem(at.Line, at.Column, yamlError is null ? "the text cannot be read as YAML from here on" : Reword(yamlError.Message));
    }

    /// <summary>
    /// <c>source:line:column: not valid YAML: reason</c>, then the line itself with a caret under the column, as
    /// compilers show it.
    /// </summary>
    public static OmlException Exception(string yaml, string source, Exception error)
    {
        var problem = Find(yaml, error);
        var lines = yaml.Split('\n');
        var message = $"{source}:{problem.Line}:{problem.Column}: not valid YAML: {problem.Reason}";
        if (problem.Line >= 1 && problem.Line <= lines.Length && lines[problem.Line - 1].TrimEnd('\r') is { Length: > 0 } text)
        {
            var number = problem.Line.ToString(CultureInfo.InvariantCulture);
            var caret = new string(' ', Math.Clamp(problem.Column - 1, 0, text.Length));
            message += $"{Environment.NewLine}  {number} | {text}{Environment.NewLine}  {new string(' ', number.Length)} | {caret}^";
        }
        return new OmlException(message, innerException: error);
    }

    /// <summary>YamlDotNet's sentence as a clause: "While parsing a block mapping, did not find expected key." → "while parsing ...key".</summary>
    private static string Reword(string message)
    {
        var text = message.Trim().TrimEnd('.');
        return text.Length > 0 ? char.ToLowerInvariant(text[0]) + text[1..] : "not valid YAML";
    }

    /// <summary>
    /// Reads the tokens until the scanner fails or the text ends: the innermost <c>[</c> or <c>{</c> still open then,
    /// and where the scanner stopped.
    /// </summary>
    private static ((char Bracket, int Line, int Column)? Opener, (int Line, int Column) StoppedAt) UnclosedBracket(string yaml)
    {
        var scanner = new Scanner(new StringReader(yaml));
        var open = new Stack<(char, int, int)>();
        try
        {
            // the scanner repeats an Error token forever where it cannot go on
            while (scanner.MoveNext() && scanner.Current is not Error)
            {
                switch (scanner.Current)
                {
                    case FlowSequenceStart t: open.Push(('[', (int)t.Start.Line, (int)t.Start.Column)); break;
                    case FlowMappingStart t: open.Push(('{', (int)t.Start.Line, (int)t.Start.Column)); break;
                    case FlowSequenceEnd or FlowMappingEnd:
                        var bracket = scanner.Current is FlowSequenceEnd ? '[' : '{';
                        if (open.Count == 0 || open.Peek().Item1 != bracket) return (Innermost(open), ((int)scanner.Current.Start.Line, (int)scanner.Current.Start.Column));
                        open.Pop();
                        break;
                }
            }
        }
        catch (Exception e) when (IsSyntaxError(e))
        {
            // the scanner stops where the parser's failure began
        }
        var position = scanner.CurrentPosition;
        return (Innermost(open), ((int)position.Line, (int)position.Column));
    }

    private static (char, int, int)? Innermost(Stack<(char, int, int)> open) => open.Count > 0 ? open.Peek() : null;
}
