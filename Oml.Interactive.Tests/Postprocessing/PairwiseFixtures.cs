using System.IO.Compression;
using Oml.Postprocessing;
using Oml.Tests.Models;
using Oml.Weights;
using static TorchSharp.torch;

namespace Oml.Tests.Postprocessing;

/// <summary>
/// The files of Fixtures/models/make_siamese_fixtures.py (a tiny ConcatSiamese in a Lightning-style checkpoint), images
/// held in memory by row, and checkpoints in the zip layout of this library's postprocessor training.
/// </summary>
internal static class PairwiseFixtures
{
    /// <summary>The fixture model's head: hidden layers 12 and 6 (keys head.0, head.3, head.6).</summary>
    public static readonly int[] TinyHiddenDims = [12, 6];

    public static string Checkpoint => ModelFixtures.File("concat_siamese_tiny.ckpt");

    /// <summary>The tiny ConcatSiamese of the fixture (tiny BasicBlock ResNet, head [12, 6]), untrained.</summary>
    public static ConcatSiamese TinyConcatSiamese(bool useTta = false) =>
        new(new Oml.Models.ResnetExtractor(ModelFixtures.TinyBasic), TinyHiddenDims, useTta);

    /// <summary>The first or second images of the fixture's pairs, [4, 3, 32, 32].</summary>
    public static Tensor Images(string which) => ModelFixtures.Input($"concat_siamese_tiny_{which}", 32, 32);

    /// <summary>Columns: forward (logits), predict without TTA, predict with TTA; one row per pair.</summary>
    public static Tensor Expected() => ModelFixtures.Expected("concat_siamese_tiny");

    /// <summary>A checkpoint as <c>oml train</c> / <c>oml train-postprocessor</c> lay it out: the run state and one module entry.</summary>
    public static string WriteCheckpoint(string path, TorchSharp.torch.nn.Module module, string entry)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var state = zip.CreateEntry(CheckpointFile.StateEntry).Open()) state.Write("{}"u8);
        using (var stream = zip.CreateEntry(entry).Open()) module.save(stream);
        return path;
    }
}

/// <summary>Images by row from one [N, 3, H, W] tensor; counts the rows loaded.</summary>
internal sealed class TensorRowImages(Tensor images) : IRowImages
{
    public int Count => (int)images.shape[0];

    public int RowsLoaded { get; private set; }

    public int Calls { get; private set; }

    public Tensor Load(IReadOnlyList<int> rows)
    {
        Calls++;
        RowsLoaded += rows.Count;
        return images.index_select(0, tensor(rows.Select(r => (long)r).ToArray()));
    }
}
