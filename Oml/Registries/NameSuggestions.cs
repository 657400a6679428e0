namespace Oml.Registries;

/// <summary>"Did you mean" suggestions for misspelt registry names and config keys.</summary>
public static class NameSuggestions
{
    /// <summary>The closest candidate by edit distance, or null when none is close enough to help.</summary>
    public static string? Closest(string wrong, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var d = EditDistance(wrong.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance || (d == bestDistance && string.CompareOrdinal(candidate, best) < 0))
            {
                bestDistance = d;
                best = candidate;
            }
        }
        var allowed = Math.Max(2, wrong.Length / 3);
        return best is not null && bestDistance <= allowed ? best : null;
    }

    /// <summary>" (did you mean 'x'?)" or an empty string.</summary>
    public static string DidYouMean(string wrong, IEnumerable<string> candidates)
    {
        var closest = Closest(wrong, candidates);
        return closest is null ? "" : $" (did you mean '{closest}'?)";
    }

    /// <summary>Levenshtein distance.</summary>
    public static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
