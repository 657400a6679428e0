namespace Oml.Retrieval;

/// <summary>
/// Who is a query, who is in the gallery, and what is ground truth, for the rows of a validation set:
/// labels, the is_query / is_gallery flags and optional sequence ids (-1 = none) per row.
/// </summary>
public sealed class RetrievalSetup
{
    public RetrievalSetup(IReadOnlyList<long> labels, IReadOnlyList<bool> isQuery, IReadOnlyList<bool> isGallery, IReadOnlyList<int>? sequence = null)
    {
        if (labels.Count != isQuery.Count || labels.Count != isGallery.Count || (sequence is not null && sequence.Count != labels.Count))
        {
            throw new ArgumentException("labels, is_query, is_gallery and sequence need one entry per row");
        }
        Labels = labels;
        Sequence = sequence;
        QueryRows = Enumerable.Range(0, labels.Count).Where(i => isQuery[i]).ToArray();
        GalleryRows = Enumerable.Range(0, labels.Count).Where(i => isGallery[i]).ToArray();
        Exclusions = new RetrievalExclusions(QueryRows, GalleryRows, sequence);
    }

    public IReadOnlyList<long> Labels { get; }

    public IReadOnlyList<int>? Sequence { get; }

    public int[] QueryRows { get; }

    public int[] GalleryRows { get; }

    public RetrievalExclusions Exclusions { get; }

    public int RowCount => Labels.Count;

    /// <summary>Per query: gallery positions with its label that are not excluded, ascending.</summary>
    public int[][] GroundTruth()
    {
        var byLabel = new Dictionary<long, List<int>>();
        for (var g = 0; g < GalleryRows.Length; g++)
        {
            var label = Labels[GalleryRows[g]];
            if (!byLabel.TryGetValue(label, out var list)) byLabel[label] = list = [];
            list.Add(g);
        }
        var result = new int[QueryRows.Length][];
        for (var q = 0; q < QueryRows.Length; q++)
        {
            if (!byLabel.TryGetValue(Labels[QueryRows[q]], out var same))
            {
                result[q] = [];
                continue;
            }
            var kept = 0;
            foreach (var g in same)
            {
                if (!Exclusions.IsExcluded(q, g)) kept++;
            }
            var positions = new int[kept];
            kept = 0;
            foreach (var g in same)
            {
                if (!Exclusions.IsExcluded(q, g)) positions[kept++] = g;
            }
            result[q] = positions;
        }
        return result;
    }

    /// <summary>Sequence values as ids (equal strings, equal ids; null -> -1), like OML's factorisation.</summary>
    public static int[] FactorizeSequences(IEnumerable<string?> sequences)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        return sequences.Select(s => s is null ? -1 : ids.TryGetValue(s, out var id) ? id : ids[s] = ids.Count).ToArray();
    }
}
