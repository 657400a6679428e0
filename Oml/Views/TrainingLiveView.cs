using System.Globalization;
using System.Text;
using Oml.Pipelines;
using Oml.Pipelines.Events;
using Oml.Visualization;

namespace Oml.Views;

/// <summary>
/// The live state of a training run, fed with the pipeline's events (<see cref="Apply"/>, thread-safe) and shown as
/// HTML (<see cref="Html"/>) or text (<see cref="Text"/>): run header, epoch / step progress bar, current loss,
/// images/s and ETA (mean of the last <see cref="StepWindow"/> step times times the steps left), the loss chart so
/// far (at most <see cref="MaxLossPoints"/> points: steps are averaged in buckets that double as the run grows, so
/// memory stays bounded), validation metrics per validated epoch (best marked), notes, and the final state.
/// Rendering is cheap but not free: throttling re-renders is the caller's job (<see cref="Version"/> changes on
/// every event).
/// </summary>
public sealed class TrainingLiveView : IView
{
    public const int MaxLossPoints = 300;
    public const int StepWindow = 50;
    public const int MaxNotesShown = 10;
    public const int MaxMetricColumns = 8;

    private const int MaxStoredPoints = 1200;

    private readonly object _gate = new();
    private readonly List<(double X, double Y)> _loss = [];
    private readonly Queue<double> _stepSeconds = new();
    private readonly List<ValidationCompleted> _validations = [];
    private readonly List<string> _notes = [];
    private readonly SortedDictionary<string, CheckpointSaved> _checkpoints = new(StringComparer.Ordinal);
    private readonly WeightsDownloadView _downloads = new();
    private readonly string? _title;
    private long _stride = 1;
    private double _pendingX, _pendingY;
    private long _pendingCount;
    private RunStarted? _run;
    private int _epoch = -1, _stepsInEpoch, _stepsDone;
    private double _lastLoss = double.NaN, _imagesPerSecond = double.NaN, _lastEpochLoss = double.NaN;
    private (int Epoch, int Done, int Total)? _validating;
    private TimeSpan _elapsed;
    private Completion? _completed;

    public TrainingLiveView(string? title = "training")
    {
        _title = title;
    }

    /// <summary>Increases with every applied event.</summary>
    public long Version { get; private set; }

    public bool IsCompleted
    {
        get { lock (_gate) return _completed is not null; }
    }

    /// <summary>Applies one pipeline event; safe to call from the training thread while another thread renders.</summary>
    public void Apply(PipelineEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        lock (_gate)
        {
            Version++;
            if (e.Elapsed > _elapsed) _elapsed = e.Elapsed;
            if (_downloads.Apply(e)) return;
            switch (e)
            {
                case RunStarted run:
                    _run = run;
                    foreach (var note in run.Notes) AddNote(note);
                    break;
                case EpochStarted started:
                    _epoch = started.Epoch;
                    _stepsInEpoch = started.Steps;
                    _stepsDone = 0;
                    _validating = null;
                    break;
                case TrainStepCompleted step:
                    _epoch = step.Epoch;
                    _stepsInEpoch = step.StepsInEpoch;
                    _stepsDone = step.Step + 1;
                    _lastLoss = step.Loss;
                    _imagesPerSecond = step.ImagesPerSecond;
                    _stepSeconds.Enqueue(step.StepSeconds);
                    while (_stepSeconds.Count > StepWindow) _stepSeconds.Dequeue();
                    AddLoss(step.GlobalStep, step.Loss);
                    break;
                case EpochCompleted epoch:
                    _lastEpochLoss = epoch.MeanLoss;
                    _imagesPerSecond = epoch.ImagesPerSecond;
                    break;
                case ValidationStarted validation:
                    _validating = (validation.Epoch, 0, validation.Images);
                    break;
                case ValidationProgress progress:
                    _validating = (_validating?.Epoch ?? _epoch, progress.Done, progress.Total);
                    break;
                case ValidationCompleted completed:
                    _validating = null;
                    _validations.Add(completed);
                    break;
                case CheckpointSaved checkpoint:
                    _checkpoints[checkpoint.Kind] = checkpoint;
                    break;
                case PipelineNote note:
                    AddNote(note.Message);
                    break;
                case RunCompleted done:
                    _validating = null;
                    var r = done.Result;
                    _completed = new Completion(r.StopReason, r.EpochsCompleted, r.BestCheckpoint, r.LastCheckpoint, r.BestMetric, r.MonitoredMetric, r.RunDirectory);
                    break;
            }
        }
    }

    /// <summary>The loss points the chart shows (at most <see cref="MaxLossPoints"/>).</summary>
    public IReadOnlyList<(double X, double Y)> LossPoints()
    {
        lock (_gate) return LossPointsLocked();
    }

    /// <summary>Seconds left by the mean of the recent step times (NaN before the first step or without a run header).</summary>
    public double EtaSeconds()
    {
        lock (_gate) return EtaLocked();
    }

    public string Html()
    {
        lock (_gate)
        {
            var html = ViewHtml.OpenView(new StringBuilder(), "oml-live", _title);
            if (_run is { } run)
            {
                html.Append("<div class=\"oml-live-run\" style=\"color:#444;margin:2px 0\">").Append(ViewHtml.Escape(
                    $"run {run.RunDirectory} | device {run.Device} | {ViewHtml.Int(run.TrainImages)} train / {ViewHtml.Int(run.ValidationImages)} validation images | batch {run.BatchSize} | {ViewHtml.Int(run.Parameters)} parameters"))
                    .Append("</div>\n");
            }
            html.Append("<div class=\"oml-live-status\" style=\"font-weight:bold;margin:4px 0\">").Append(ViewHtml.Escape(StatusLocked())).Append("</div>\n");
            if (_downloads.HasDownloads) html.Append(_downloads.Html());
            if (_epoch >= 0 && _completed is null)
            {
                var fraction = _stepsInEpoch > 0 ? (double)_stepsDone / _stepsInEpoch : 0;
                ViewHtml.ProgressBar(html, fraction, $"epoch {EpochText()} | step {_stepsDone}/{_stepsInEpoch}");
            }
            if (_validating is { } v && v.Total > 0) ViewHtml.ProgressBar(html, (double)v.Done / v.Total, $"validation: {ViewHtml.Int(v.Done)}/{ViewHtml.Int(v.Total)} images");
            var facts = new List<(string, string)>();
            if (!double.IsNaN(_lastLoss)) facts.Add(("loss", ViewHtml.Number(_lastLoss, "0.0000")));
            if (!double.IsNaN(_lastEpochLoss)) facts.Add(("last epoch mean loss", ViewHtml.Number(_lastEpochLoss, "0.0000")));
            if (!double.IsNaN(_imagesPerSecond)) facts.Add(("images/s", ViewHtml.Number(_imagesPerSecond, "0.0")));
            if (_completed is null && !double.IsNaN(EtaLocked())) facts.Add(("ETA", ViewHtml.Duration(EtaLocked())));
            facts.Add(("elapsed", ViewHtml.Duration(_elapsed.TotalSeconds)));
            html.Append("<div class=\"oml-live-facts\" style=\"margin:2px 0\">");
            html.Append(string.Join(" &middot; ", facts.Select(f => $"{ViewHtml.Escape(f.Item1)} <b>{ViewHtml.Escape(f.Item2)}</b>")));
            html.Append("</div>\n");
            var points = LossPointsLocked();
            if (points.Count > 0)
            {
                html.Append("<div>").Append(new SvgLineChart("training loss", 480, 200) { XLabel = "step" }.Add("loss", points).Svg()).Append("</div>\n");
            }
            AppendValidations(html);
            if (_checkpoints.Count > 0)
            {
                html.Append("<div style=\"").Append(ViewHtml.Heading).Append("\">checkpoints</div>\n");
                ViewHtml.KeyValueTable(html, _checkpoints.Values.Select(c => (c.Kind, $"{c.Path} (epoch {c.Epoch + 1})")));
            }
            if (_completed is { } done)
            {
                var lines = new List<(string, string)>
                {
                    ("stop reason", done.StopReason.ToString()),
                    ("epochs completed", done.Epochs.ToString(CultureInfo.InvariantCulture)),
                    ("run directory", done.RunDirectory),
                };
                if (done.BestMetric is { } best) lines.Add(($"best {done.MonitoredMetric}", ViewHtml.Number(best, "0.0000")));
                if (done.BestCheckpoint is not null) lines.Add(("best checkpoint", done.BestCheckpoint));
                if (done.LastCheckpoint is not null) lines.Add(("last checkpoint", done.LastCheckpoint));
                html.Append("<div style=\"").Append(ViewHtml.Heading).Append("\">result</div>\n");
                ViewHtml.KeyValueTable(html, lines);
            }
            if (_notes.Count > 0)
            {
                html.Append("<div style=\"").Append(ViewHtml.Heading).Append("\">notes</div>\n<ul class=\"oml-live-notes\" style=\"margin:2px 0;padding-left:18px\">\n");
                foreach (var note in _notes.TakeLast(MaxNotesShown)) html.Append("<li>").Append(ViewHtml.Escape(note)).Append("</li>\n");
                html.Append("</ul>\n");
            }
            html.Append("</div>\n");
            return html.ToString();
        }
    }

    public string Text()
    {
        lock (_gate)
        {
            var text = new StringBuilder();
            if (_run is { } run) text.Append($"run {run.RunDirectory} | device {run.Device} | {run.TrainImages} train / {run.ValidationImages} validation images\n");
            text.Append(StatusLocked()).Append('\n');
            if (_downloads.HasDownloads) text.Append(_downloads.Text());
            if (_epoch >= 0 && _completed is null) text.Append($"epoch {EpochText()} step {_stepsDone}/{_stepsInEpoch}");
            if (!double.IsNaN(_lastLoss)) text.Append(" loss ").Append(ViewHtml.Number(_lastLoss, "0.0000"));
            if (!double.IsNaN(_imagesPerSecond)) text.Append(' ').Append(ViewHtml.Number(_imagesPerSecond, "0.0")).Append(" images/s");
            if (_completed is null && !double.IsNaN(EtaLocked())) text.Append(" ETA ").Append(ViewHtml.Duration(EtaLocked()));
            text.Append('\n');
            if (_validations.Count > 0)
            {
                var columns = MetricColumns();
                var rows = _validations.Select(v =>
                {
                    var row = new List<string> { (v.Epoch + 1).ToString(CultureInfo.InvariantCulture) + (IsBestRow(v) ? " *" : "") };
                    row.AddRange(columns.Select(c => v.Metrics.TryGetValue(c, out var x) ? ViewHtml.Number(x, "0.0000") : ""));
                    return (IReadOnlyList<string>)row;
                }).ToArray();
                text.Append(ViewHtml.TextTable(["epoch", .. columns], rows));
            }
            if (_completed is { } done)
            {
                text.Append($"stopped: {done.StopReason} after {done.Epochs} epochs");
                if (done.BestCheckpoint is not null) text.Append($"; best checkpoint {done.BestCheckpoint}");
                if (done.LastCheckpoint is not null) text.Append($"; last checkpoint {done.LastCheckpoint}");
                text.Append('\n');
            }
            foreach (var note in _notes.TakeLast(MaxNotesShown)) text.Append("note: ").Append(note).Append('\n');
            return text.ToString();
        }
    }

    private void AddNote(string note)
    {
        _notes.Add(note);
        if (_notes.Count > 5 * MaxNotesShown) _notes.RemoveRange(0, _notes.Count - MaxNotesShown);
    }

    private void AddLoss(long step, double loss)
    {
        if (!double.IsFinite(loss)) return;
        _pendingX += step;
        _pendingY += loss;
        _pendingCount++;
        if (_pendingCount < _stride) return;
        _loss.Add((_pendingX / _pendingCount, _pendingY / _pendingCount));
        _pendingX = _pendingY = 0;
        _pendingCount = 0;
        if (_loss.Count < MaxStoredPoints) return;
        // merge neighbours: half the points, each the mean of twice as many steps
        var merged = new List<(double X, double Y)>(_loss.Count / 2 + 1);
        for (var i = 0; i + 1 < _loss.Count; i += 2) merged.Add(((_loss[i].X + _loss[i + 1].X) / 2, (_loss[i].Y + _loss[i + 1].Y) / 2));
        if (_loss.Count % 2 == 1) merged.Add(_loss[^1]);
        _loss.Clear();
        _loss.AddRange(merged);
        _stride *= 2;
    }

    private IReadOnlyList<(double X, double Y)> LossPointsLocked()
    {
        var points = new List<(double X, double Y)>(_loss);
        if (_pendingCount > 0) points.Add((_pendingX / _pendingCount, _pendingY / _pendingCount));
        return SvgLineChart.Downsample(points, MaxLossPoints);
    }

    private double EtaLocked()
    {
        if (_run is null || _stepSeconds.Count == 0 || _completed is not null) return double.NaN;
        var mean = _stepSeconds.Average();
        var epochsAfter = Math.Max(0, _run.MaxEpochs - _epoch - 1);
        var left = Math.Max(0, _stepsInEpoch - _stepsDone) + (long)epochsAfter * _run.StepsPerEpoch;
        return mean * left;
    }

    private string EpochText() => _run is null ? $"{_epoch + 1}" : $"{_epoch + 1}/{_run.MaxEpochs}";

    private string StatusLocked()
    {
        if (_completed is { } done) return $"finished: {done.StopReason} after {done.Epochs} epoch(s)";
        if (_validating is { } v) return $"validating epoch {v.Epoch + 1}";
        if (_epoch >= 0) return $"training epoch {EpochText()}";
        if (_downloads.IsDownloading) return "downloading pretrained weights";
        return _run is null ? "waiting for the run to start" : "starting";
    }

    private bool IsBestRow(ValidationCompleted v) => ReferenceEquals(v, _validations.LastOrDefault(x => x.IsBest));

    private IReadOnlyList<string> MetricColumns()
    {
        var names = _validations.SelectMany(v => v.Metrics.Keys).Distinct(StringComparer.Ordinal).ToArray();
        var monitored = _validations.Select(v => v.MonitoredMetric).LastOrDefault(m => !string.IsNullOrEmpty(m));
        var overall = MetricsView.Columns(names.Where(n => MetricsView.Split(n).Category == Metrics.MetricNames.Overall))
            .Select(c => $"{Metrics.MetricNames.Overall}/{c}");
        var ordered = (monitored is not null && names.Contains(monitored) ? [monitored] : Array.Empty<string>())
            .Concat(overall).Distinct(StringComparer.Ordinal).ToList();
        if (ordered.Count == 0) ordered.AddRange(names.Order(StringComparer.Ordinal));
        return ordered.Take(MaxMetricColumns).ToArray();
    }

    private void AppendValidations(StringBuilder html)
    {
        if (_validations.Count == 0) return;
        var columns = MetricColumns();
        html.Append("<div style=\"").Append(ViewHtml.Heading).Append("\">validation</div>\n<table class=\"oml-live-metrics\" style=\"").Append(ViewHtml.Table)
            .Append("\">\n<tr><th style=\"").Append(ViewHtml.Th).Append("\">epoch</th>");
        foreach (var c in columns) html.Append("<th style=\"").Append(ViewHtml.Th).Append("\">").Append(ViewHtml.Escape(c)).Append("</th>");
        html.Append("<th style=\"").Append(ViewHtml.Th).Append("\">seconds</th></tr>\n");
        foreach (var v in _validations)
        {
            var best = IsBestRow(v);
            html.Append("<tr class=\"oml-live-metrics-row\"").Append(best ? " style=\"background:#e8f5e9\"" : "").Append("><td style=\"").Append(ViewHtml.Td).Append("\">")
                .Append(v.Epoch + 1);
            if (best) html.Append(" <span class=\"oml-best\" title=\"best so far\">&#9733; best</span>");
            html.Append("</td>");
            foreach (var c in columns)
            {
                html.Append("<td style=\"").Append(ViewHtml.TdNumber).Append(best && c == v.MonitoredMetric ? ";font-weight:bold" : "").Append("\">")
                    .Append(v.Metrics.TryGetValue(c, out var x) ? ViewHtml.Number(x, "0.0000") : "").Append("</td>");
            }
            html.Append("<td style=\"").Append(ViewHtml.TdNumber).Append("\">").Append(ViewHtml.Number(v.Seconds, "0.0")).Append("</td></tr>\n");
        }
        html.Append("</table>\n");
    }

    private sealed record Completion(TrainStopReason StopReason, int Epochs, string? BestCheckpoint, string? LastCheckpoint, double? BestMetric, string MonitoredMetric, string RunDirectory);

    public string ToHtml() => Html();

    public override string ToString() => Text();
}
