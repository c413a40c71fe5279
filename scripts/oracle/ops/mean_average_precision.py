"""VOC mAP: a port of the PASCAL VOC devkit's voc_eval (all-point interpolation, use_07_metric=False,
no 'difficult' flags), IoU from torchvision.ops.box_iou: per class, detections by descending score
(stable), each matched to its image's ground truth of largest IoU, a hit when IoU > threshold and
that box is not yet taken. No backward (piecewise constant)."""
import torch
from torchvision.ops import box_iou
from generate import Case


def voc_ap(rec, prec):
    mrec = [0.0] + rec + [1.0]
    mpre = [0.0] + prec + [0.0]
    for i in range(len(mpre) - 2, -1, -1):
        mpre[i] = max(mpre[i], mpre[i + 1])
    return sum((mrec[i + 1] - mrec[i]) * mpre[i + 1] for i in range(len(mrec) - 1) if mrec[i + 1] != mrec[i])


def mean_average_precision(detections, ground_truth, iou_threshold=0.5):
    aps = []
    for cls in sorted(set(ground_truth[:, 1].tolist())):
        gt = ground_truth[ground_truth[:, 1] == cls]
        dets = detections[detections[:, 1] == cls]
        dets = dets[torch.sort(-dets[:, 2], stable=True).indices]
        taken = [False] * len(gt)
        tp, fp = [], []
        for d in dets:
            same = (gt[:, 0] == d[0]).nonzero().flatten()
            hit = False
            if len(same):
                ious = box_iou(d[None, 3:], gt[same, 2:])[0]
                j = int(torch.argmax(ious))
                if ious[j] > iou_threshold and not taken[same[j]]:
                    taken[same[j]] = hit = True
            tp.append(1.0 if hit else 0.0)
            fp.append(0.0 if hit else 1.0)
        ctp = torch.tensor(tp).cumsum(0).tolist() if tp else []
        cfp = torch.tensor(fp).cumsum(0).tolist() if fp else []
        rec = [t / len(gt) for t in ctp]
        prec = [t / (t + f) for t, f in zip(ctp, cfp)]
        aps.append(voc_ap(rec, prec))
    return {"map": torch.tensor(sum(aps) / len(aps), dtype=torch.float64)}


def scene(g, images, classes, n_gt):
    xy = torch.rand(n_gt, 2, generator=g) * 24
    gt_boxes = torch.cat([xy, xy + 2 + torch.rand(n_gt, 2, generator=g) * 12], dim=1)
    ids = torch.stack([torch.randint(0, images, (n_gt,), generator=g), torch.randint(0, classes, (n_gt,), generator=g)], dim=1).to(torch.float64)
    gt = torch.cat([ids, gt_boxes], dim=1)
    rows = []
    for i in range(n_gt):
        for _ in range(int(torch.randint(0, 3, (1,), generator=g))):
            shift = (torch.rand(2, generator=g) * 2 - 1).repeat(2)
            rows.append(torch.cat([ids[i], torch.rand(1, generator=g), gt_boxes[i] + shift]))
    for _ in range(3):
        xy = torch.rand(2, generator=g) * 24
        stray_ids = torch.tensor([float(torch.randint(0, images, (1,), generator=g)), float(torch.randint(0, classes, (1,), generator=g))])
        rows.append(torch.cat([stray_ids, torch.rand(1, generator=g), xy, xy + 3]))
    return {"detections": torch.stack(rows), "ground_truth": gt}


def cases():
    g = torch.Generator().manual_seed(81)
    for name, (images, classes, n_gt), params in [
        ("one-image-one-class", (1, 1, 6), {}),
        ("three-images-three-classes", (3, 3, 15), {}),
        ("iou0.3", (2, 2, 10), {"iou_threshold": 0.3}),
        ("iou0.7", (2, 2, 10), {"iou_threshold": 0.7}),
    ]:
        yield Case(name, scene(g, images, classes, n_gt), mean_average_precision, [], params, backward=False)
