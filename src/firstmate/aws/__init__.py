"""firstmate on AWS Lambda: the handlers (`firstmate.aws.handlers`) and the SAM template they are
deployed with (`firstmate.aws.template`, rendered by `firstmate aws render-template`)."""
