using Oml.Weights;

namespace Oml.Models;

/// <summary>
/// The image tower's weights out of a whole CLIP's (OML's <c>take_visual_part_of_vit_clip</c>): an OpenAI TorchScript
/// archive and a ruCLIP state dict both hold the text tower too, whose <c>transformer.resblocks.*</c> and
/// <c>positional_embedding</c> have the same names as the image tower's. Every key with a <c>visual.</c> segment is
/// renamed to what follows it; the other keys are left out (listed in <see cref="StateDict.Ignored"/>). A file without
/// such keys (the tower's own state dict) is returned as it is.
/// </summary>
internal static class ClipCheckpoint
{
    private const string Visual = "visual.";

    /// <summary>The visual part of <paramref name="whole"/>; it shares <paramref name="whole"/>'s tensors, so only <paramref name="whole"/> is disposed.</summary>
    public static StateDict VisualPart(StateDict whole)
    {
        if (!whole.Keys.Any(IsVisual)) return whole;
        var visual = new List<KeyValuePair<string, TorchSharp.torch.Tensor>>();
        var others = new List<string>();
        foreach (var (key, tensor) in whole)
        {
            if (IsVisual(key)) visual.Add(new(key[(key.IndexOf(Visual, StringComparison.Ordinal) + Visual.Length)..], tensor));
            else others.Add(key);
        }
        IReadOnlyList<string> ignored = others.Count == 0
            ? whole.Ignored
            : [.. whole.Ignored, $"{others.Count} keys outside the image tower (visual.*), e.g. {string.Join(", ", others.Take(3))}"];
        return new StateDict(whole.Path, whole.Format, visual, whole.NestedUnder, ignored);
    }

    private static bool IsVisual(string key) => key.StartsWith(Visual, StringComparison.Ordinal) || key.Contains("." + Visual, StringComparison.Ordinal);
}
