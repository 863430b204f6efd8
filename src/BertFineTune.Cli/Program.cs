using BertFineTune.Cli;

return await BertftApp.RunAsync(args);
