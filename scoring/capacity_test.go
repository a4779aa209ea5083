package scoring

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/blast-dev/blast/plan"
	"github.com/blast-dev/blast/plan/planjson"
	"github.com/blast-dev/blast/scoring/policy"
)

// TestCapacityFixtures judges the hand-written plans of testdata/capacity
// (README.md there) as a user would: the verdict and what explains it.
func TestCapacityFixtures(t *testing.T) {
	nonProd := mustPolicy(t, "environments:\n  dev:\n    paths: [\"**\"]\n    production: false\n")
	nonProd, err := nonProd.ForEnvironment("dev", nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		file     string
		pol      policy.Policy
		score    int
		gap      Severity // of the capacity-gap finding, "" for none
		diskLoss Severity // of the VM's data-loss finding, "" for none
	}{
		{"gke-only-pool-replaced.json", policy.Default(), 55, SeverityHigh, ""},
		{"gke-only-pool-cbd.json", policy.Default(), 15, "", ""},
		{"gke-two-pools-one-replaced.json", policy.Default(), 30, "", ""},
		{"azure-only-vm-replaced.json", policy.Default(), 55, SeverityHigh, SeverityMedium},
		{"azure-only-vm-replaced.json", nonProd, 35, SeverityMedium, SeverityMedium},
		{"aws-asg-behind-lb-replaced.json", policy.Default(), 55, SeverityHigh, ""},
		// Node capacity is not relaxed outside production: it serves
		// every workload of the cluster.
		{"gke-only-pool-replaced.json", nonProd, 55, SeverityHigh, ""},
	}
	for _, tc := range cases {
		t.Run(tc.file+" "+tc.pol.Env, func(t *testing.T) {
			plans, err := planjson.Load(filepath.Join("testdata", "capacity", tc.file), planjson.Options{})
			if err != nil {
				t.Fatal(err)
			}
			a := assess(t, tc.pol, plans...)
			if a.Score != tc.score {
				t.Errorf("score %d, want %d\n%s", a.Score, tc.score, dump(a))
			}
			if want := tc.score >= policy.DefaultThreshold; (Gate(a, 0) == DecisionSignoffRequired) != want {
				t.Errorf("gate %s at score %d", Gate(a, 0), a.Score)
			}
			gaps := findings(a, RuleCapacityGap)
			switch {
			case tc.gap == "" && len(gaps) != 0:
				t.Errorf("unexpected capacity gap: %+v", gaps)
			case tc.gap != "" && (len(gaps) != 1 || gaps[0].Severity != tc.gap):
				t.Errorf("capacity gaps %+v, want one of severity %s", gaps, tc.gap)
			}
			var disks []Finding
			for _, f := range findings(a, RuleDataLoss) {
				if strings.Contains(f.Message, "disk") {
					disks = append(disks, f)
				}
			}
			switch {
			case tc.diskLoss == "" && len(disks) != 0:
				t.Errorf("unexpected disk finding: %+v", disks)
			case tc.diskLoss != "" && (len(disks) != 1 || disks[0].Severity != tc.diskLoss):
				t.Errorf("disk findings %+v, want one of severity %s", disks, tc.diskLoss)
			}
		})
	}
}

func gapsIn(t *testing.T, pol policy.Policy, p *plan.Plan) []Finding {
	t.Helper()
	return findings(assess(t, pol, p), RuleCapacityGap)
}

func TestCapacityGapScopes(t *testing.T) {
	pol := policy.Default()
	t.Run("create before destroy is no gap", func(t *testing.T) {
		if g := gapsIn(t, pol, mkPlan([]plan.Change{mk("google_container_node_pool.a", plan.KindReplaceCBD)})); len(g) != 0 {
			t.Errorf("%+v", g)
		}
	})
	t.Run("a delete of the only instance", func(t *testing.T) {
		if g := gapsIn(t, pol, mkPlan([]plan.Change{mk("aws_instance.web", plan.KindDelete)})); len(g) != 1 || g[0].Points != capacityGapPoints {
			t.Errorf("%+v", g)
		}
	})
	t.Run("one of three instances", func(t *testing.T) {
		p := mkPlan([]plan.Change{mk("aws_instance.web[0]", plan.KindReplace), mk("aws_instance.web[1]", plan.KindNoOp)}, "aws_instance.web[2]")
		if g := gapsIn(t, pol, p); len(g) != 0 {
			t.Errorf("%+v", g)
		}
	})
	t.Run("all of them are one gap", func(t *testing.T) {
		p := mkPlan([]plan.Change{mk("aws_instance.web[0]", plan.KindReplace), mk("aws_instance.web[1]", plan.KindDelete)})
		g := gapsIn(t, pol, p)
		if len(g) != 1 || g[0].Address != "aws_instance.web[0]" || !strings.Contains(g[0].Message, "and 1 more") {
			t.Errorf("%+v", g)
		}
	})
	t.Run("a replaced or created peer does not serve", func(t *testing.T) {
		p := mkPlan([]plan.Change{mk("aws_instance.a", plan.KindReplace), mk("aws_instance.b", plan.KindReplaceCBD), mk("aws_instance.c", plan.KindCreate)})
		if g := gapsIn(t, pol, p); len(g) != 1 {
			t.Errorf("%+v", g)
		}
	})
	t.Run("a peer that consumes the removed one cannot stand in for it", func(t *testing.T) {
		p := mkPlan([]plan.Change{mk("aws_instance.db", plan.KindReplace)}, "aws_instance.app")
		dependsOn(p, "aws_instance.app", "aws_instance.db")
		if g := gapsIn(t, pol, p); len(g) != 1 {
			t.Errorf("%+v", g)
		}
	})
	t.Run("other modules are other scopes", func(t *testing.T) {
		p := mkPlan([]plan.Change{mk("module.a.aws_instance.web", plan.KindReplace)}, "module.b.aws_instance.web")
		if g := gapsIn(t, pol, p); len(g) != 1 {
			t.Errorf("%+v", g)
		}
	})
	t.Run("an EKS node group and an ASG of the same cluster", func(t *testing.T) {
		p := mkPlan([]plan.Change{mk("module.managed.aws_eks_node_group.ng", plan.KindReplace)},
			"aws_eks_cluster.main", "module.self.aws_autoscaling_group.nodes")
		dependsOn(p, "module.managed.aws_eks_node_group.ng", "aws_eks_cluster.main")
		if g := gapsIn(t, pol, p); len(g) != 1 {
			t.Fatalf("the ASG serves another cluster: %+v", g)
		}
		dependsOn(p, "module.self.aws_autoscaling_group.nodes", "aws_eks_cluster.main")
		if g := gapsIn(t, pol, p); len(g) != 0 {
			t.Errorf("the ASG serves the same cluster: %+v", g)
		}
	})
	t.Run("auto-scaling groups behind one target group", func(t *testing.T) {
		p := mkPlan([]plan.Change{mk("module.a.aws_autoscaling_group.web", plan.KindReplace)},
			"aws_lb_target_group.web", "aws_lb_listener.web", "aws_lb.web", "module.b.aws_autoscaling_group.web")
		dependsOn(p, "module.a.aws_autoscaling_group.web", "aws_lb_target_group.web")
		dependsOn(p, "aws_lb_listener.web", "aws_lb_target_group.web")
		dependsOn(p, "aws_lb_listener.web", "aws_lb.web")
		if g := gapsIn(t, pol, p); len(g) != 1 || !strings.Contains(g[0].Message, "last of its kind behind a load balancer") {
			t.Fatalf("module.b's group serves no load balancer yet: %+v", g)
		}
		dependsOn(p, "module.b.aws_autoscaling_group.web", "aws_lb_target_group.web")
		if g := gapsIn(t, pol, p); len(g) != 0 {
			t.Errorf("module.b's group serves the same target group: %+v", g)
		}
	})
	t.Run("the last instance behind a load balancer", func(t *testing.T) {
		// An attachment references the instance: it marks it as served,
		// but does not widen its scope (a new dependent never lowers the
		// score), so module.b's attached instance does not stand in.
		p := mkPlan([]plan.Change{mk("module.a.aws_instance.web", plan.KindReplace)},
			"aws_lb_target_group.web", "module.a.aws_lb_target_group_attachment.web", "module.b.aws_instance.web", "module.b.aws_lb_target_group_attachment.web")
		for _, m := range []string{"module.a.", "module.b."} {
			dependsOn(p, m+"aws_lb_target_group_attachment.web", m+"aws_instance.web")
			dependsOn(p, m+"aws_lb_target_group_attachment.web", "aws_lb_target_group.web")
		}
		dev := pol
		dev.NonProduction = true
		g := gapsIn(t, dev, p)
		if len(g) != 1 || g[0].Points != capacityGapPoints || !strings.Contains(g[0].Message, "last of its kind behind a load balancer") {
			t.Fatalf("%+v", g)
		}
	})
	t.Run("a lone instance outside production", func(t *testing.T) {
		dev := pol
		dev.NonProduction = true
		g := gapsIn(t, dev, mkPlan([]plan.Change{mk("aws_instance.web", plan.KindReplace)}))
		if len(g) != 1 || g[0].Points != capacityGapLonePoints || g[0].Severity != SeverityMedium {
			t.Errorf("%+v", g)
		}
	})
	t.Run("an ignored change counts as kept", func(t *testing.T) {
		ign := mustPolicy(t, "ignore:\n  - address: \"aws_instance.web\"\n    kind: replace\n    reason: rebuilt nightly\n")
		if g := gapsIn(t, ign, mkPlan([]plan.Change{mk("aws_instance.web", plan.KindReplace)})); len(g) != 0 {
			t.Errorf("%+v", g)
		}
	})
	t.Run("what does not serve is no gap", func(t *testing.T) {
		p := mkPlan([]plan.Change{mk("aws_launch_template.web", plan.KindReplace), mk("data.aws_instance.x", plan.KindRead)})
		if g := gapsIn(t, pol, p); len(g) != 0 {
			t.Errorf("%+v", g)
		}
	})
}

func TestDiskLoss(t *testing.T) {
	vm := func(typ string, k plan.Kind, dies ...string) plan.Change {
		c := mk(typ+".vm", k)
		c.DiesWith = dies
		return c
	}
	diskFinding := func(t *testing.T, pol policy.Policy, p *plan.Plan) []Finding {
		t.Helper()
		var out []Finding
		for _, f := range findings(assess(t, pol, p), RuleDataLoss) {
			if strings.HasSuffix(f.Address, ".vm") {
				out = append(out, f)
			}
		}
		return out
	}
	cases := []struct {
		name     string
		c        plan.Change
		severity Severity // "" for no finding
	}{
		{"azure os disk", vm("azurerm_linux_virtual_machine", plan.KindReplace, "os_disk_deleted_with_vm"), SeverityMedium},
		{"google boot disk, create before destroy", vm("google_compute_instance", plan.KindReplaceCBD, "boot_disk_deleted_with_vm"), SeverityMedium},
		{"aws root and data volumes", vm("aws_instance", plan.KindDelete, "root_volume_deleted_with_vm", "data_disks_deleted_with_vm"), SeverityHigh},
		{"legacy azure VM with data disks", vm("azurerm_virtual_machine", plan.KindDelete, "data_disks_deleted_with_vm"), SeverityHigh},
		{"a scale set's os_disk is not a VM's", vm("azurerm_linux_virtual_machine_scale_set", plan.KindReplace, "os_disk_deleted_with_vm"), ""},
		{"a condition of another type", vm("google_compute_instance", plan.KindReplace, "os_disk_deleted_with_vm"), ""},
		{"an update deletes nothing", vm("aws_instance", plan.KindUpdate, "root_volume_deleted_with_vm"), ""},
		{"disks kept", vm("aws_instance", plan.KindReplace), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := diskFinding(t, policy.Default(), mkPlan([]plan.Change{tc.c}))
			switch {
			case tc.severity == "" && len(f) != 0:
				t.Errorf("%+v", f)
			case tc.severity != "" && (len(f) != 1 || f[0].Severity != tc.severity):
				t.Errorf("%+v, want one of severity %s", f, tc.severity)
			case len(f) == 1 && strings.Contains(f[0].Message, "_deleted_with_vm"):
				t.Errorf("the message shows a condition's code name: %s", f[0].Message)
			}
		})
	}
	t.Run("an attached disk destroyed in the same plan", func(t *testing.T) {
		p := mkPlan([]plan.Change{vm("google_compute_instance", plan.KindReplace, "boot_disk_deleted_with_vm"),
			mk("google_compute_disk.data", plan.KindReplace)})
		dependsOn(p, "google_compute_instance.vm", "google_compute_disk.data")
		if f := diskFinding(t, policy.Default(), p); len(f) != 1 || f[0].Severity != SeverityHigh || !strings.Contains(f[0].Message, "google_compute_disk.data") {
			t.Errorf("%+v", f)
		}
	})
	t.Run("an Azure data disk attachment", func(t *testing.T) {
		p := mkPlan([]plan.Change{vm("azurerm_linux_virtual_machine", plan.KindReplace),
			mk("azurerm_managed_disk.data", plan.KindDelete), mk("azurerm_virtual_machine_data_disk_attachment.data", plan.KindDelete)})
		dependsOn(p, "azurerm_virtual_machine_data_disk_attachment.data", "azurerm_linux_virtual_machine.vm")
		dependsOn(p, "azurerm_virtual_machine_data_disk_attachment.data", "azurerm_managed_disk.data")
		if f := diskFinding(t, policy.Default(), p); len(f) != 1 || f[0].Severity != SeverityHigh {
			t.Errorf("%+v", f)
		}
	})
	t.Run("a VM the policy makes stateful has its data-loss finding already", func(t *testing.T) {
		pol := mustPolicy(t, "classes:\n  aws_instance: stateful_data\n")
		if f := diskFinding(t, pol, mkPlan([]plan.Change{vm("aws_instance", plan.KindReplace, "root_volume_deleted_with_vm")})); len(f) != 1 || f[0].Points != 0 {
			t.Errorf("%+v", f)
		}
	})
	t.Run("an ignored change keeps the finding without points", func(t *testing.T) {
		pol := mustPolicy(t, "ignore:\n  - address: \"aws_instance.vm\"\n    kind: replace\n    reason: rebuilt nightly\n")
		f := diskFinding(t, pol, mkPlan([]plan.Change{vm("aws_instance", plan.KindReplace, "root_volume_deleted_with_vm")}))
		if len(f) != 1 || f[0].Points != 0 {
			t.Errorf("%+v", f)
		}
	})
}

func TestNonProductionEnvironment(t *testing.T) {
	pol := mustPolicy(t, `
environments:
  dev:
    paths: ["envs/dev/**"]
    production: false
  prod:
    paths: ["envs/prod/**"]
    production: true
`)
	for _, tc := range []struct {
		paths []string
		want  bool
	}{
		{[]string{"envs/dev/plan.json"}, true},
		{[]string{"envs/prod/plan.json"}, false},
		{[]string{"envs/dev/plan.json", "envs/prod/plan.json"}, false}, // the strictest wins
		{[]string{"envs/dev/plan.json", "elsewhere/plan.json"}, false}, // the base policy is production
		{nil, false},
	} {
		got, err := pol.ForEnvironment("", tc.paths)
		if err != nil {
			t.Fatal(err)
		}
		if got.NonProduction != tc.want {
			t.Errorf("%v: non-production %v, want %v", tc.paths, got.NonProduction, tc.want)
		}
	}
	if _, err := policy.Parse("p.yml", []byte("environments:\n  dev:\n    production: no\n"), RuleIDs()); err == nil || !strings.Contains(err.Error(), "expected true or false") {
		t.Errorf("production: no: %v", err)
	}
}
