using System.Globalization;
using System.Text;
using Oml.Data;
using Oml.Metrics;
using Oml.Visualization;

namespace Oml.Views;

/// <summary>
/// The same queries retrieved plain and post-processed, one above the other: each post-processed result says where
/// it was before (<c>↑2</c> moved up two places, <c>↓1</c>, <c>new</c>: not in the plain list shown). By default it
/// shows the queries whose first result the postprocessor fixed (wrong before, correct after) or broke, then those
/// whose first correct result moved most, and says how many of each there are.
/// </summary>
public sealed class BeforeAfterView : IView
{
    public const int DefaultQueries = 5;

    private readonly EmbeddingMetricsResult _plain;
    private readonly EmbeddingMetricsResult _processed;
    private readonly DatasetFrame _frame;
    private readonly string _postprocessor;
    private readonly int _topN, _thumbnailSize;

    public BeforeAfterView(
        EmbeddingMetricsResult plain, EmbeddingMetricsResult processed, DatasetFrame frame, string postprocessor = "postprocessor",
        IReadOnlyList<int>? queries = null, int n = DefaultQueries, int topN = RetrievalRows.DefaultTopN,
        int thumbnailSize = RetrievalGridView.DefaultThumbnailSize)
    {
        ArgumentNullException.ThrowIfNull(plain);
        ArgumentNullException.ThrowIfNull(processed);
        ArgumentNullException.ThrowIfNull(frame);
        if (plain.Queries != processed.Queries)
        {
            throw new ArgumentException($"the two results have {plain.Queries} and {processed.Queries} queries: they must come from the same validation");
        }
        (_plain, _processed, _frame, _postprocessor, _topN, _thumbnailSize) = (plain, processed, frame, postprocessor, topN, thumbnailSize);
        var all = Enumerable.Range(0, plain.Queries);
        Fixed = all.Where(q => !TopIsCorrect(plain, q) && TopIsCorrect(processed, q)).ToArray();
        Broken = all.Where(q => TopIsCorrect(plain, q) && !TopIsCorrect(processed, q)).ToArray();
        Changed = all.Where(q => !plain.Retrieval.Retrieved[q].AsSpan().SequenceEqual(processed.Retrieval.Retrieved[q])).ToArray();
        Queries = queries ?? DefaultSelection(n);
    }

    /// <summary>Queries whose top result was wrong and is correct after postprocessing.</summary>
    public IReadOnlyList<int> Fixed { get; }

    /// <summary>Queries whose top result was correct and is wrong after postprocessing.</summary>
    public IReadOnlyList<int> Broken { get; }

    /// <summary>Queries whose retrieved list changed at all.</summary>
    public IReadOnlyList<int> Changed { get; }

    /// <summary>The queries shown.</summary>
    public IReadOnlyList<int> Queries { get; }

    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"{_postprocessor}: changed {Changed.Count} of {_plain.Queries} queries' results; top result fixed for {Fixed.Count}, broken for {Broken.Count}");

    /// <summary>Two rows per query: plain, then post-processed with the rank changes in the captions.</summary>
    public IReadOnlyList<RetrievalRow> Rows()
    {
        var rows = new List<RetrievalRow>();
        var plainRows = RetrievalRows.For(_plain, _frame, Queries, _topN, groundTruthShown: 0);
        var processedRows = RetrievalRows.For(_processed, _frame, Queries, _topN, groundTruthShown: 0);
        for (var i = 0; i < Queries.Count; i++)
        {
            var q = Queries[i];
            var before = _plain.Retrieval.Retrieved[q];
            var after = _processed.Retrieval.Retrieved[q];
            var plain = plainRows[i];
            rows.Add(plain with { Query = plain.Query with { Caption = $"Query #{q}: plain" } });
            var processed = processedRows[i];
            var results = processed.Results.Select((tile, rank) => tile with { Caption = $"{tile.Caption} {Move(before, after[rank], rank)}" }).ToArray();
            rows.Add(processed with { Query = processed.Query with { Caption = $"{_postprocessor} ({Verdict(q)})" }, Results = results });
        }
        return rows;
    }

    public string ToHtml()
    {
        if (Queries.Count == 0)
        {
            return $"<div class=\"oml-before-after\" style=\"{ViewHtml.Font}\"><div style=\"{ViewHtml.Heading}\">{ViewHtml.Escape($"before / after {_postprocessor}")}</div>" +
                   $"<div>{ViewHtml.Escape(Summary)}</div></div>\n";
        }
        return Grid().ToHtml();
    }

    public override string ToString() => Grid().ToString();

    private RetrievalGridView Grid() => new(Rows(), $"before / after {_postprocessor}", _thumbnailSize, Summary + Selection());

    private string Selection() => Queries.Count == 0 ? "" : $". Shown: queries {string.Join(", ", Queries)}";

    private string Verdict(int q) => Fixed.Contains(q) ? "fixed" : Broken.Contains(q) ? "broken" : Changed.Contains(q) ? "changed" : "unchanged";

    private static string Move(int[] before, int item, int rank)
    {
        var old = Array.IndexOf(before, item);
        return old < 0 ? "new" : old == rank ? "=" : old > rank ? $"↑{old - rank}" : $"↓{rank - old}";
    }

    private static bool TopIsCorrect(EmbeddingMetricsResult result, int q) => result.Retrieval.FirstCorrectRank(q) == 1;

    private IReadOnlyList<int> DefaultSelection(int n)
    {
        var movement = Changed
            .Select(q => (q, shift: Math.Abs((_plain.Retrieval.FirstCorrectRank(q) ?? _topN + 1) - (_processed.Retrieval.FirstCorrectRank(q) ?? _topN + 1))))
            .OrderByDescending(p => p.shift).ThenBy(p => p.q).Select(p => p.q);
        // fixed and broken first, alternating, so both kinds are seen when both exist
        var picked = Fixed.Zip(Broken, (f, b) => new[] { f, b }).SelectMany(p => p)
            .Concat(Fixed.Skip(Broken.Count)).Concat(Broken.Skip(Fixed.Count))
            .Concat(movement).Distinct().Take(n).ToArray();
        return picked;
    }
}
