using System.Globalization;
using Oml.IO;
using static TorchSharp.torch;

namespace Oml.Training;

/// <summary>
/// A run's logs in its folder: <c>log.csv</c> in long format (<c>time,epoch,step,kind,name,value</c>: one row per
/// step loss, criterion log, learning rate and validation metric, so new names never change the columns) and
/// TensorBoard event files under <c>tensorboard/</c> (the same names as OML logs: <c>loss</c>, <c>OVERALL/cmc/1</c>).
/// A resumed run appends to both. A failure to write (no space left) is an <see cref="OmlException"/> naming the file.
/// </summary>
public sealed class TrainingLog : IDisposable
{
    private readonly StreamWriter _csv;
    private readonly TorchSharp.Modules.SummaryWriter? _tensorBoard;
    private readonly DateTime _started = DateTime.UtcNow;

    public TrainingLog(string runDirectory, bool tensorBoard = true)
    {
        OutputLocation.CreateFolder(runDirectory);
        CsvPath = Path.Combine(runDirectory, "log.csv");
        var exists = File.Exists(CsvPath);
        _csv = Writing(CsvPath, () => new StreamWriter(new FileStream(CsvPath, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = false });
        if (!exists) _csv.WriteLine("time,epoch,step,kind,name,value");
        if (tensorBoard)
        {
            TensorBoardDirectory = Path.Combine(runDirectory, "tensorboard");
            _tensorBoard = Writing(TensorBoardDirectory, () => utils.tensorboard.SummaryWriter(TensorBoardDirectory));
        }
    }

    public string CsvPath { get; }

    public string? TensorBoardDirectory { get; }

    public void Step(int epoch, long step, double loss, IReadOnlyDictionary<string, double> logs, double learningRate)
    {
        Write(epoch, step, "train", "loss", loss);
        foreach (var (name, value) in logs) Write(epoch, step, "train", name, value);
        Write(epoch, step, "train", "lr", learningRate);
    }

    public void Validation(int epoch, long step, IReadOnlyDictionary<string, double> metrics)
    {
        foreach (var (name, value) in metrics) Write(epoch, step, "val", name, value);
        Flush();
    }

    /// <summary>Logs the PNG file <paramref name="pngPath"/> to TensorBoard under <paramref name="tag"/>, its bytes as they are.</summary>
    public void Image(string tag, string pngPath, long step)
    {
        if (TensorBoardDirectory is null) return;
        var png = File.ReadAllBytes(pngPath);
        if (png.Length < 24 || !png.AsSpan(0, 8).SequenceEqual(PngSignature))
            throw new ArgumentException($"{pngPath} is not a PNG file", nameof(pngPath));
        var width = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(16)); // IHDR, the first chunk
        var height = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(20));
        Writing(TensorBoardDirectory, () =>
        {
            _images ??= new TensorBoardImageFile(TensorBoardDirectory);
            _images.Add(tag, png, width, height, step);
        });
    }

    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private TensorBoardImageFile? _images;

    public void EndEpoch() => Flush();

    private void Flush() => Writing(CsvPath, () => _csv.Flush());

    private void Write(int epoch, long step, string kind, string name, double value)
    {
        var seconds = (DateTime.UtcNow - _started).TotalSeconds;
        Writing(CsvPath, () => _csv.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{seconds:0.###},{epoch},{step},{kind},{Quote(name)},{value:R}")));
        if (double.IsFinite(value)) Writing(TensorBoardDirectory!, () => _tensorBoard?.add_scalar(name, (float)value, (int)step));
    }

    private static void Writing(string path, Action write) => Writing<object?>(path, () =>
    {
        write();
        return null;
    });

    private static T Writing<T>(string path, Func<T> write)
    {
        try
        {
            return write();
        }
        catch (Exception e) when (OutputLocation.IsIoFailure(e))
        {
            throw OutputLocation.WriteFailure(path, e);
        }
    }

    private static string Quote(string text) =>
        text.IndexOfAny([',', '"', '\n']) < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public void Dispose()
    {
        try
        {
            _images?.Dispose();
            _csv.Dispose();
        }
        catch (Exception e) when (OutputLocation.IsIoFailure(e))
        {
            // the last lines could not be flushed (no space left): the run's own error, if any, says more
        }
    }
}
