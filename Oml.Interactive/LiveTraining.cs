using System.Text;
using Oml.Data;
using Oml.Pipelines;
using Oml.Pipelines.Events;
using Oml.Training;
using Oml.Visualization;

namespace Oml.Interactive;

/// <summary>The live training view of a cell: <see cref="TrainingLiveView"/> plus the step losses for the bound result.</summary>
internal sealed class LiveTraining
{
    private readonly TrainingLiveView _view = new();
    private readonly List<(long Step, double Loss)> _steps = [];

    public IReadOnlyList<(long Step, double Loss)> Steps => _steps;

    public void Apply(PipelineEvent e)
    {
        if (e is TrainStepCompleted s) _steps.Add((s.GlobalStep, s.Loss));
        _view.Apply(e);
    }

    public HtmlFragment Render() => new("<div class=\"oml-training-live\">" + _view.Html() + "</div>", _view.Text());
}
