using Oml.Data;

namespace Oml.Images;

/// <summary>
/// The checks that need the image files (<c>oml dataset check --images</c>): every file is a supported format, is
/// within the pixel limit, its box fits inside it and — unless only headers are read — its pixels decode to the end
/// (a truncated or corrupt file has a good header: only decoding finds it, as training would). In parallel.
/// </summary>
public static class DatasetImageCheck
{
    /// <param name="decoder">Pixel limit and codecs; <see cref="ImageDecoder.Current"/> when null.</param>
    /// <param name="progress">Called with (done, total) now and then.</param>
    /// <param name="headersOnly">Read each header only (quick: size, format, box), not the pixels.</param>
    public static IReadOnlyList<DatasetProblem> Run(DatasetFrame frame, ImageDecoder? decoder = null, Action<int, int>? progress = null, bool headersOnly = false)
    {
        decoder ??= ImageDecoder.Current;
        var rows = frame.Rows;
        var problems = new DatasetProblem?[rows.Count];
        var done = 0;
        progress?.Invoke(0, rows.Count);
        Parallel.For(0, rows.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount * 2 }, i =>
        {
            var row = rows[i];
            var path = frame.ResolvePath(row);
            try
            {
                var bytes = ImageBytesCache.ReadFile(path);
                var size = decoder.CheckHeader(bytes, path);
                if (row.Box is { } box && !box.FitsIn(size.Width, size.Height))
                {
                    var column = box.X2 > size.Width ? DatasetCsv.X2 : DatasetCsv.Y2;
                    problems[i] = new DatasetProblem(DatasetProblemSeverity.Error, row.RowNumber, column,
                        $"the box ({box}) does not fit in the {size.Width}x{size.Height} image {path}: expected x_2 <= {size.Width} and y_2 <= {size.Height}");
                }
                else if (!headersOnly)
                {
                    using var image = decoder.Decode(bytes, path);
                }
            }
            catch (OmlException e)
            {
                problems[i] = new DatasetProblem(DatasetProblemSeverity.Error, row.RowNumber, DatasetCsv.Path, e.Message);
            }
            var n = Interlocked.Increment(ref done);
            if (progress is not null && (n % 256 == 0 || n == rows.Count))
            {
                lock (problems) progress(n, rows.Count);
            }
        });
        return problems.OfType<DatasetProblem>().ToArray();
    }
}
