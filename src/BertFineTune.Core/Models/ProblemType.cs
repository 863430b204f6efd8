namespace BertFineTune.Models;

/// <summary>The <c>problem_type</c> of a Hugging Face sequence classifier.</summary>
public enum ProblemType
{
    /// <summary><c>single_label_classification</c>: softmax + cross-entropy, one label per text.</summary>
    SingleLabelClassification,

    /// <summary><c>multi_label_classification</c>: sigmoid + BCE-with-logits, any number of labels per text.</summary>
    MultiLabelClassification,
}
