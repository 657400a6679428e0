using System.Globalization;

namespace Oml.Benchmarks;

/// <summary>
/// A benchmark's command line: <c>--name value</c> options and <c>--flag</c> switches. An unknown option, or one
/// without its value, is reported on stderr and the benchmark exits with 2.
/// </summary>
internal sealed class BenchOptions
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    private BenchOptions()
    {
    }

    public static bool TryParse(string[] args, IReadOnlyCollection<string> valued, IReadOnlyCollection<string> flags, out BenchOptions options)
    {
        options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            if (flags.Contains(args[i]))
            {
                options._flags.Add(args[i]);
            }
            else if (valued.Contains(args[i]) && i + 1 < args.Length)
            {
                options._values[args[i]] = args[++i];
            }
            else
            {
                Console.Error.WriteLine(valued.Contains(args[i])
                    ? $"option {args[i]} needs a value"
                    : $"unknown option {args[i]}; valid: {string.Join(", ", valued.Concat(flags))}");
                return false;
            }
        }
        return true;
    }

    public int Int(string name, int fallback) =>
        _values.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public string? Text(string name) => _values.GetValueOrDefault(name);

    public string Text(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    public string[] List(string name, string[] fallback) =>
        _values.TryGetValue(name, out var text) ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : fallback;

    public bool Has(string flag) => _flags.Contains(flag);
}
