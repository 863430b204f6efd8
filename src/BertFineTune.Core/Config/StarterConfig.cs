namespace BertFineTune.Config;

/// <summary>The commented starter config <c>bertft init</c> writes; every key shows its default.</summary>
public static class StarterConfig
{
    /// <param name="schemaReference">URL or relative path of config.schema.json for the YAML language server.</param>
    public static string Render(string schemaReference) => $$"""
        # yaml-language-server: $schema={{schemaReference}}
        # bertft config: `bertft validate <this file>` checks it; `bertft schema` prints every key.
        # Paths are relative to this file. Secrets: use ${HF_TOKEN} / ${WANDB_API_KEY}, never literal values.

        seed: 42

        credentials:
          huggingface_token: ${HF_TOKEN:-}     # only for gated or private models
          wandb_api_key: ${WANDB_API_KEY:-}    # only when report_to has wandb

        base_model:
          model_id: distilbert-base-uncased    # any BERT-family model id, or a local folder
          revision: main

        # One or more CSV/TSV/XLSX files, merged into one table.
        dataset:
          - filepath: data/train.csv
            text_column: text
            label_column: label
            # sheet: Sheet1                    # XLSX only
            # delimiter: ","                   # CSV only; default , (.csv) or tab (.tsv)
            # encoding: utf-8
            # label_map: {"0": negative, "1": positive}

        preprocessing:
          default:
            lowercase: true
            remove_symbols: true
            remove_numbers: false
            remove_newlines: true
          normalization:
            enabled: false
            filepath: null                     # JSON dictionary {"u": "you", ...}
          advanced:
            remove_mentions: true
            remove_retweets: true
            remove_emojis: false
            remove_urls: false

        training:
          target_columns:
            text_column: text
            label_column: labels
          split_ratio: [0.8, 0.1, 0.1]         # train, validation, test; must sum to 1
          output_dir: .cache/output
          problem_type: single_label_classification   # or multi_label_classification
          device: auto                         # auto, cpu or cuda

        hyperparameters:
          epochs: 3
          batch_size: 16
          learning_rate: 5.0e-5
          weight_decay: 0.01
          warmup_steps: 500
          gradient_accumulation_steps: 1
          optim: adamw_torch_fused             # or adamw_torch
          fp16: auto                           # auto, true or false
          max_length: 256
          lr_scheduler_type: linear            # linear, cosine, constant, constant_with_warmup
          class_weights: none                  # none or balanced

        loggings:
          logging_strategy: steps
          logging_steps: 100
          eval_strategy: epoch
          save_strategy: epoch
          save_total_limit: 2
          load_best_model_at_end: true
          metric_for_best_model: f1
          report_to: [console, jsonl]          # console, jsonl, tensorboard, wandb, mlflow

        # Experiment tracking (README, Tracking), used when report_to names them:
        # wandb: {project: bertft, entity: null, tags: []}       # key from WANDB_API_KEY
        # mlflow: {tracking_uri: http://127.0.0.1:5000, experiment_name: bertft}

        huggingface:
          model_path: .cache/huggingface

        """;
}
