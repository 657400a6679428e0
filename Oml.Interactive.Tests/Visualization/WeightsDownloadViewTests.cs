using Oml.Pipelines.Events;
using Oml.Views;

namespace Oml.Tests.Visualization;

/// <summary>The notebook's view of downloads: the same events that draw the CLI's bar.</summary>
public sealed class WeightsDownloadViewTests
{
    private const string Url = "https://dl.fbaipublicfiles.com/dino/dino_deitsmall16_pretrain/dino_deitsmall16_pretrain.pth";

    [Fact]
    public void ShowsABarWithMegabytesAndRateWhileDownloadingThenWhereTheFileWent()
    {
        var view = new WeightsDownloadView();
        Assert.False(view.Apply(new PipelineNote("not a download")));
        Assert.False(view.HasDownloads);

        Assert.True(view.Apply(new WeightsDownloadStarted("vits16_dino", Url, "/c/vits16_dino.ckpt.partial", 80 << 20, 16 << 20) { Elapsed = TimeSpan.FromSeconds(1) }));
        Assert.True(view.Apply(new WeightsDownloadProgress("vits16_dino", 48 << 20, 80 << 20) { Elapsed = TimeSpan.FromSeconds(3) }));
        Assert.True(view.IsDownloading);
        Assert.Contains("downloading vits16_dino: 48.0 / 80.0 MB, 16.0 MB/s", view.Html());
        Assert.Contains("width:60%", view.Html());
        Assert.Contains(Url, view.Html());
        Assert.Equal($"downloading vits16_dino: 48.0 / 80.0 MB, 16.0 MB/s from {Url}\n", view.Text());

        view.Apply(new WeightsDownloadCompleted("vits16_dino", "/c/vits16_dino.ckpt", 80 << 20, TimeSpan.FromSeconds(4.5)));
        Assert.False(view.IsDownloading);
        Assert.Equal("downloaded vits16_dino: 80.0 MB in 4.5 s -> /c/vits16_dino.ckpt\n", view.ToString());
        Assert.DoesNotContain("oml-progress", view.ToHtml());
    }

    [Fact]
    public void TheLiveTrainingViewShowsADownloadBeforeTheRunStarts()
    {
        var live = new TrainingLiveView();
        live.Apply(new WeightsDownloadStarted("vits16_dino", Url, "/c/vits16_dino.ckpt.partial", null, 0));
        live.Apply(new WeightsDownloadProgress("vits16_dino", 3 << 20, null));
        Assert.Contains("downloading pretrained weights", live.Html());
        Assert.Contains("downloading vits16_dino: 3.0 MB", live.Html());
        Assert.Contains("downloading vits16_dino: 3.0 MB from", live.Text());
    }
}
