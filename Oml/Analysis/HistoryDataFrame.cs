using Microsoft.Data.Analysis;
using Oml.Training;

namespace Oml.Analysis;

/// <summary>A training run's history as a <see cref="DataFrame"/> (Microsoft.Data.Analysis), for plotting and comparing runs in a notebook.</summary>
public static class HistoryDataFrame
{
    /// <summary>
    /// One row per epoch record, in order. Columns:
    /// <list type="bullet">
    /// <item><c>epoch</c> (Int32): <b>1-based</b>, as progress bars and the history view count epochs
    /// (<see cref="EpochRecord.Epoch"/> is 0-based);</item>
    /// <item><c>loss</c> (Double): the epoch's mean training loss;</item>
    /// <item><c>lr</c> (Double): the learning rate of the first parameter group;</item>
    /// <item><c>seconds</c> (Double): seconds since the run started, at the end of the epoch;</item>
    /// <item>one Double column per validation metric, named as OML names it (<c>OVERALL/cmc/1</c>, <c>shoes/map/5</c>, ...),
    /// in order of first appearance; null in epochs that were not validated (and where a metric is NaN).</item>
    /// </list>
    /// </summary>
    public static DataFrame ToDataFrame(this IReadOnlyList<EpochRecord> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var columns = new List<DataFrameColumn>
        {
            new Int32DataFrameColumn("epoch", history.Select(r => (int?)(r.Epoch + 1))),
            new DoubleDataFrameColumn("loss", history.Select(r => (double?)r.MeanLoss)),
            new DoubleDataFrameColumn("lr", history.Select(r => (double?)r.LearningRate)),
            new DoubleDataFrameColumn("seconds", history.Select(r => (double?)r.Seconds)),
        };
        var names = history.Where(r => r.Metrics is not null).SelectMany(r => r.Metrics!.Keys).Distinct(StringComparer.Ordinal);
        foreach (var name in names)
        {
            columns.Add(new DoubleDataFrameColumn(name, history.Select(r =>
                r.Metrics is not null && r.Metrics.TryGetValue(name, out var value) ? DataFrameValues.OrNull(value) : null)));
        }
        return new DataFrame(columns);
    }
}
