# The schedules themselves live in the app root (they target job_runner); they share this
# group, which the dropped-invocations alarm watches.
resource "aws_scheduler_schedule_group" "this" {
  name = var.resource_prefix
}
