using Oml.Metrics;

namespace Oml.Tests.Analysis;

/// <summary>
/// A hand-made dataset and metrics result whose per-query values are worked out by hand below.
/// Two train rows, then seven validation rows with 2-d embeddings on a line (y = 0), Euclidean distance:
/// <code>
/// validation row  label  category  query  gallery  x      gallery position
///       0          10    shoes      yes    yes     0.0        g0
///       1          10    shoes      yes    yes     0.8        g1
///       2          20    shoes      yes    yes     2.0        g2
///       3          30    bags       yes    yes     5.0        g3
///       4          30    bags       yes    yes     6.5        g4
///       5          40    bags       yes    yes     6.0        g5   (its only label-40 item is itself: no ground truth)
///       6          20    shoes      no     yes     9.0        g6
/// </code>
/// Retrieved lists (top 3, the query itself excluded), first correct rank, cmc/1, cmc/3, map/3:
/// q0: g1 .8, g2 2, g3 5        rank 1   1 1 1
/// q1: g0 .8, g2 1.2, g3 4.2    rank 1   1 1 1
/// q2: g1 1.2, g0 2, g3 3       none (g6 is 6th)  0 0 0
/// q3: g5 1, g4 1.5, g2 3       rank 2   0 1 0.5
/// q4: g5 .5, g3 1.5, g6 2.5    rank 2   0 1 0.5
/// q5: g4 .5, g3 1, g6 3        no ground truth: not scored (null)
/// Means: cmc/1 OVERALL 0.4, shoes 2/3, bags 0; cmc/3 OVERALL 0.8, shoes 2/3, bags 1; map/3 OVERALL 0.6, shoes 2/3, bags 0.5.
/// </summary>
internal static class AnalysisTestData
{
    public static readonly float[] X = [0f, 0.8f, 2f, 5f, 6.5f, 6f, 9f];

    public static readonly MetricArgs Args = new() { CmcTopK = [1, 3], PrecisionTopK = [], MapTopK = [3], PcfVariance = [], FmrValues = [0.5] };

    /// <summary>Writes df.csv (paths need not exist) and loads it; the validation rows start at spreadsheet row 4.</summary>
    public static DatasetFrame Frame(TempDirectory directory)
    {
        var csv = directory.Write("data/df.csv", string.Join("\n",
        [
            "label,path,split,is_query,is_gallery,category",
            "1,train/a.jpg,train,,,shoes",
            "2,train/b.jpg,train,,,bags",
            "10,val/0.jpg,validation,True,True,shoes",
            "10,val/1.jpg,validation,True,True,shoes",
            "20,val/2.jpg,validation,True,True,shoes",
            "30,val/3.jpg,validation,True,True,bags",
            "30,val/4.jpg,validation,True,True,bags",
            "40,val/5.jpg,validation,True,True,bags",
            "20,val/6.jpg,validation,False,True,shoes",
        ]) + "\n");
        return DatasetFrame.Load(csv, new DatasetLoadOptions { CheckFilesExist = false });
    }

    public static EmbeddingMetricsResult Result(DatasetFrame frame)
    {
        using var scope = NewDisposeScope();
        var embeddings = zeros(X.Length, 2);
        for (var i = 0; i < X.Length; i++) embeddings[i, 0] = tensor(X[i]);
        return EmbeddingMetrics.Compute(embeddings, ValidationSet.Setup(frame), Args, ValidationSet.Categories(frame));
    }
}
