using System.Text;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;

namespace Oml.Interactive;

/// <summary>
/// Works around .NET Interactive 1.0.0-beta.26120.1 dropping a parameter that occurs more than once (even with
/// <c>MaxOccurrences</c> &gt; 1, the bound JSON has no value for it): reads every <c>--set</c> from the magic's line in
/// the submitted code, resolving <c>@csharp:name</c> values from the C# kernel.
/// </summary>
internal static class RepeatedOptions
{
    public static string[] Values(KernelCommand command, string magic, string option, string[] bound, Kernel root)
    {
        if (command.Parent is not SubmitCode submit) return bound;
        var line = submit.Code.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(magic + " ", StringComparison.Ordinal));
        if (line is null) return bound;
        var tokens = Tokenize(line);
        var values = new List<string>();
        for (var i = 1; i < tokens.Count - 1; i++)
        {
            if (tokens[i] == option) values.Add(Resolve(tokens[++i], root));
        }
        return values.Count > bound.Length ? values.ToArray() : bound;
    }

    private static string Resolve(string token, Kernel root)
    {
        const string prefix = "@csharp:";
        if (!token.StartsWith(prefix, StringComparison.Ordinal)) return token;
        var name = token[prefix.Length..];
        if (root.FindKernelByName("csharp") is CSharpKernel csharp && csharp.TryGetValue<object>(name, out var value))
        {
            return Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
        }
        throw new OmlException($"{token}: there is no C# variable named {name}.");
    }

    private static List<string> Tokenize(string line)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        var any = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
                any = true;
            }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                if (any) tokens.Add(current.ToString());
                current.Clear();
                any = false;
            }
            else
            {
                current.Append(c);
                any = true;
            }
        }
        if (any) tokens.Add(current.ToString());
        return tokens;
    }
}
